"""The Telegram adapter: aiogram routers, keyboards, middlewares and locales over the use cases."""
