import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Sets the task's status to DONE, on the condition that it was not changed since it was read.
 */
export function request(ctx) {
  const task = ctx.prev.result;
  return ddb.update({
    key: { id: task.id },
    update: { status: 'DONE', updatedAt: util.time.nowISO8601() },
    condition: { status: { eq: task.status } },
  });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  return result;
}
