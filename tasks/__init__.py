"""Background work: the Celery app (`tasks.celery_app`), its beat schedule, and the tasks.

Tasks call `booking_app.services`, never the reverse, and nothing here imports Reflex: the
worker is a plain Python process. Every module in this package is registered with the
worker automatically (see `celery_app._task_modules`), so a new `tasks/x.py` needs no wiring.
"""
