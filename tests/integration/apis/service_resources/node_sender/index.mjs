// Sends the event's text to the queue its environment names, by that URL (the AWS SDK for
// JavaScript v3's SQS client sends a request to the QueueUrl's own host).
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

const client = new SQSClient({});

export const handler = async (event) => {
  const sent = await client.send(
    new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.text }),
  );
  return { messageId: sent.MessageId };
};
