import { util } from '@aws-appsync/utils';

export function request(ctx) {
  return { operation: 'Invoke', payload: { message: ctx.args.message } };
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  return JSON.stringify(result.received);
}
