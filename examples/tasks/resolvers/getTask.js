import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Gets a task by its id (GetItem); a task that does not exist is a NotFound error.
 */
export function request(ctx) {
  return ddb.get({ key: { id: ctx.args.id } });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  if (!result) {
    util.error(`Task ${ctx.args.id} not found`, 'NotFound');
  }
  return result;
}
