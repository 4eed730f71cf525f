import { defineFunction, secret } from "@aws-amplify/backend";

export const onUpload = defineFunction({
  name: "on-upload",
  entry: "./handler.ts",
  environment: { PHOTO_LABEL: secret("PHOTO_LABEL"), ALBUM: "holiday" },
});
