import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

/**
 * Moves the task in one transaction (TransactWriteItems): the task must still be in the
 * project the client saw it in, the target project must exist, and both projects' counts
 * change with the task. A condition that fails cancels every write. (One transaction may not
 * touch an item twice, so the target's existence is the condition of its own update.)
 */
export function request(ctx) {
  const { id, fromProjectId, toProjectId } = ctx.args;
  return ddb.transactWrite({
    items: [
      {
        updateItem: {
          table: 'Task',
          key: { id },
          update: { projectId: toProjectId, updatedAt: util.time.nowISO8601() },
          condition: { projectId: { eq: fromProjectId } },
        },
      },
      {
        updateItem: {
          table: 'Project',
          key: { id: fromProjectId },
          update: { taskCount: ddb.operations.decrement(1) },
        },
      },
      {
        updateItem: {
          table: 'Project',
          key: { id: toProjectId },
          update: { taskCount: ddb.operations.increment(1) },
          condition: { id: { attributeExists: true } },
        },
      },
    ],
  });
}

export function response(ctx) {
  const { error, result } = ctx;
  if (error) {
    util.error(error.message, error.type, null, {
      cancellationReasons: result?.cancellationReasons ?? null,
    });
  }
  return result.keys;
}
