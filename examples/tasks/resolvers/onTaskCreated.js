import { util, extensions } from '@aws-appsync/utils';

/**
 * Subscribes to the tasks created in one project, of at least `minPriority`: the filter is
 * set here, so AppSync sends a subscriber only the createTask results that match it.
 */
export function request(ctx) {
  const { projectId, minPriority = 0 } = ctx.args;
  const filter = util.transform.toSubscriptionFilter({
    projectId: { eq: projectId },
    priority: { ge: minPriority },
  });
  extensions.setSubscriptionFilter(filter);
  return { payload: null };
}

export const response = (ctx) => ctx.result;
