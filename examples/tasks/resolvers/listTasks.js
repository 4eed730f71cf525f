import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Lists a project's tasks from the byProject index (Query), newest first, a page at a time.
 * With `status`, only the tasks of that status: a filter DynamoDB applies after the page is
 * read, so a page may hold fewer than `limit` tasks and still have a nextToken.
 */
export function request(ctx) {
  const { projectId, status, limit = 20, nextToken } = ctx.args;
  return ddb.query({
    index: 'byProject',
    query: { projectId: { eq: projectId } },
    filter: status ? { status: { eq: status } } : null,
    scanIndexForward: false,
    limit,
    nextToken,
  });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    return util.appendError(error.message, error.type, result);
  }
  const { items = [], nextToken } = result;
  return { items, nextToken };
}
