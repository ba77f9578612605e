"""Buttons of the lists (handlers/lists/):

pages.py        a request a button, ◀️ ▶️ paging, «Мои заявки»'s all/active switch
queue.py        the queue's filter buttons and a filter field's picker
search.py       search's buttons
queue_view.py   what the queue shows, packed into the buttons' data
filter_words.py the queue's filter in words
"""
