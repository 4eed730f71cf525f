import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Creates a task (PutItem) with a new id, on the condition that no task has that id yet.
 * Subscribers of onTaskCreated receive it.
 */
export function request(ctx) {
  const { projectId, title, priority = 1 } = ctx.args.input;
  if (title.trim().length === 0) {
    util.error('A task needs a title', 'ValidationError');
  }
  const item = {
    projectId,
    title,
    priority,
    status: 'TODO',
    createdAt: util.time.nowISO8601(),
  };
  return ddb.put({
    key: { id: util.autoId() },
    item,
    condition: { id: { attributeExists: false } },
  });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type);
  }
  return result;
}
