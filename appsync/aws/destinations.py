"""A message for an SQS queue or an SNS topic of the embedded services, named by its ARN:
SendMessage of the body to a queue, Publish of it to a topic, in moto's backends in this
process (the ones the AWS endpoint serves), inside `journaled()` so that a kept queue's new
message is written to the data directory. What sends so: a stream mapping's on-failure
destination (`appsync.stream_destinations`) and a bucket's event notification
(`s3_notifications`). It holds the embedded backends' lock: callers on the event loop run it in
a worker thread.
"""

from __future__ import annotations

from appsync.aws.resource_journal import journaled


def send_to(destination_arn: str, body: str) -> None:
    """`body` sent to the queue or published to the topic `destination_arn` names; raises
    moto's ServiceException (no such queue or topic, a body SQS refuses) or
    ResourceJournalError (sent in memory, not written)."""
    # Imported where used: moto's backends load on first use.
    from moto.sns.models import sns_backends
    from moto.sqs.models import sqs_backends

    _, _, service, region, account, name = destination_arn.split(":", 5)
    with journaled():
        if service == "sqs":
            sqs_backends[account][region].send_message(name, body)
        else:
            sns_backends[account][region].publish(body, arn=destination_arn)
