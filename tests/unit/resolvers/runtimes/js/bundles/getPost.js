// src/resolvers/getPost.ts
import { util } from "@aws-appsync/utils";
import * as ddb from "@aws-appsync/utils/dynamodb";

// src/lib/keys.ts
function keyOf(id) {
  return { id: `post#${id}` };
}

// src/resolvers/getPost.ts
function request(ctx) {
  return ddb.get({ key: keyOf(ctx.args.id) });
}
function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result.missing.title;
}
export {
  request,
  response
};
//# sourceMappingURL=data:application/json;base64,ewogICJ2ZXJzaW9uIjogMywKICAic291cmNlcyI6IFsiLi4vc3JjL3Jlc29sdmVycy9nZXRQb3N0LnRzIiwgIi4uL3NyYy9saWIva2V5cy50cyJdLAogICJtYXBwaW5ncyI6ICI7QUFBQSxTQUFTLFlBQXFCO0FBQzlCLFlBQVksU0FBUzs7O0FDRGQsU0FBUyxNQUFNLElBQVk7QUFDaEMsU0FBTyxFQUFFLElBQUksUUFBUSxFQUFFLEdBQUc7QUFDNUI7OztBRElPLFNBQVMsUUFBUSxLQUFvQjtBQUMxQyxTQUFXLFFBQUksRUFBRSxLQUFLLE1BQU0sSUFBSSxLQUFLLEVBQUUsRUFBRSxDQUFDO0FBQzVDO0FBRU8sU0FBUyxTQUFTLEtBQWM7QUFDckMsTUFBSSxJQUFJLE9BQU87QUFDYixTQUFLLE1BQU0sSUFBSSxNQUFNLFNBQVMsSUFBSSxNQUFNLElBQUk7QUFBQSxFQUM5QztBQUNBLFNBQU8sSUFBSSxPQUFPLFFBQVE7QUFDNUI7IiwKICAibmFtZXMiOiBbXQp9Cg==
