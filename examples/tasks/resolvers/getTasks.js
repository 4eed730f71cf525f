import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Gets several tasks at once (BatchGetItem): AppSync answers them in the order of the keys, a
 * task that does not exist as null.
 */
export function request(ctx) {
  return ddb.batchGet({
    tables: { Task: { keys: ctx.args.ids.map((id) => ({ id })) } },
  });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  return result.data.Task;
}
