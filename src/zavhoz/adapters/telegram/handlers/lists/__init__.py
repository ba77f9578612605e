"""The lists: pages of five, each line opening its card; a module a screen:

my_requests.py     «📋 Мои заявки»
queue.py           «🛠 Очередь» and «👷 Мои задачи», with filters
search.py          «🔍 Поиск»: asking, and leaving the question
search_results.py  what was found
paging.py          loading a page and its text

A menu button or command sends a new list; the list's own buttons (◀️ ▶️, filters) redraw it.
"""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.handlers._not_menu import NotMenuButton
from zavhoz.adapters.telegram.handlers.lists import my_requests, queue, search, search_results
from zavhoz.adapters.telegram.keyboards.lists.queue_view import QueueMenuCb, QueueView
from zavhoz.adapters.telegram.menu_filter import MenuButton, Typed


def router() -> Router:
    routes = Router(name="lists")
    routes.message.register(my_requests.my_requests, MenuButton("my"))
    routes.message.register(my_requests.my_requests, Command("my"))
    routes.message.register(queue.queue, MenuButton("queue"))
    routes.message.register(queue.queue, Command("queue"))
    routes.message.register(queue.tasks, MenuButton("tasks"))
    routes.message.register(
        search_results.run_search,
        StateFilter(search.Search.query),
        Typed(),
        NotMenuButton(),
    )
    routes.callback_query.register(my_requests.my_page, ListCb.filter(F.kind == "my"))
    routes.callback_query.register(queue.queue_page, ListCb.filter(F.kind == "queue"))
    routes.callback_query.register(search_results.search_page, ListCb.filter(F.kind == "search"))
    routes.callback_query.register(search.ask_search, QueueMenuCb.filter(F.what == "find"))
    routes.callback_query.register(search.leave_search, QueueMenuCb.filter(F.what == "unfind"))
    routes.callback_query.register(
        queue.pick_filter, QueueMenuCb.filter(F.what.in_(set(QueueView.FIELDS)))
    )
    return routes
