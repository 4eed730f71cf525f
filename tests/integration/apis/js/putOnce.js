import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

export function request(ctx) {
  const { id, note } = ctx.args;
  return ddb.put({ key: { id }, item: { note }, condition: { id: { attributeExists: false } } });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type, result);
  }
  return result;
}
