from celery import shared_task

from .services import outbox_deliver, outbox_sweep


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_outbox_message(self, message_id):
    result = outbox_deliver(message_id=message_id)
    if isinstance(result, tuple):
        _, delay = result
        raise self.retry(countdown=delay)
    return result


@shared_task
def sweep_outbox():
    return outbox_sweep()
