import { util, extensions } from '@aws-appsync/utils';

// Only messages for this API's stage reach the subscriber.
export function request(ctx) {
  return { payload: null };
}

export function response(ctx) {
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ stage: { eq: ctx.env.STAGE } }));
  return null;
}
