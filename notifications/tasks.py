import logging

from celery import shared_task

from .services import RETRY_DELAYS, outbox_deliver, outbox_deliver_many, outbox_sweep

logger = logging.getLogger(__name__)


# ``retry_delays`` is a task attribute so that CELERY_TASK_ANNOTATIONS can shorten the back-off (the test
# settings do); it must stay below the broker's visibility timeout.
@shared_task(bind=True, acks_late=True, max_retries=None, retry_delays=RETRY_DELAYS)
def deliver_outbox_message(self, message_id):
    result = outbox_deliver(message_id=message_id, retry_delays=self.retry_delays)
    if isinstance(result, tuple):
        _, delay = result
        raise self.retry(countdown=delay)
    return result


@shared_task(bind=True, acks_late=True, retry_delays=RETRY_DELAYS)
def deliver_outbox_messages(self, message_ids):
    """Deliver a batch, each message in its own transaction; one that must wait gets a task of its own.

    Redelivered whole after a crash (acks late): the messages already sent are skipped.
    """
    results = {}
    for message_id, result in zip(
        message_ids, outbox_deliver_many(message_ids, retry_delays=self.retry_delays), strict=True
    ):
        if isinstance(result, tuple):
            _, delay = result
            # If the broker is down now, the row (pending, with its next attempt) waits for the sweeper.
            try:
                deliver_outbox_message.apply_async((message_id,), countdown=delay, retry=False)
            except Exception:  # noqa: BLE001 - any broker failure
                logger.warning("Could not schedule the retry of %s; the sweeper will.", message_id, exc_info=True)
            result = "retry"
        results[result] = results.get(result, 0) + 1
    return results


@shared_task
def sweep_outbox():
    return outbox_sweep()
