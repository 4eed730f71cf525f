import { util } from '@aws-appsync/utils';

export function request(ctx) {
  switch (ctx.args.kind) {
    case 'error':
      util.error('Nothing here', 'NotFound', { asked: ctx.args.kind }, { hint: 'try another' });
      break;
    case 'append':
      util.appendError('Partly done', 'Partial');
      break;
    case 'type':
      return ctx.args.missing.deeper;
    default:
      break;
  }
  return { payload: 'answered' };
}

export function response(ctx) {
  return ctx.result;
}
