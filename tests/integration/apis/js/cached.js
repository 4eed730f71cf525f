import { runtime } from '@aws-appsync/utils';

export function request(ctx) {
  if (ctx.args.hit) {
    runtime.earlyReturn('from the cache');
  }
  return { payload: 'from the data source' };
}

export function response(ctx) {
  return `${ctx.result}, through the response handler`;
}
