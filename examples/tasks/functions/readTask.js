import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Reads the task the pipeline works on, as it is now.
 */
export function request(ctx) {
  return ddb.get({ key: { id: ctx.stash.taskId }, consistentRead: true });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  return result;
}
