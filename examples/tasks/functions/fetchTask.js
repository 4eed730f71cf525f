import { util, runtime } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Reads the task; a task that is done already is the pipeline's answer at once.
 */
export function request(ctx) {
  return ddb.get({ key: { id: ctx.stash.taskId }, consistentRead: true });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  if (!result) {
    util.error(`Task ${ctx.stash.taskId} not found`, 'NotFound');
  }
  if (result.status === 'DONE') {
    runtime.earlyReturn(result, { skipTo: 'END' });
  }
  return result;
}
