import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/data";
import { getAmplifyDataClientConfig } from "@aws-amplify/backend/function/runtime";
import { env } from "$amplify/env/on-upload";
import type { Schema } from "../../data/resource";

// The pattern of Amplify's "Grant Lambda function access to API and Data" guide: the function's
// environment names the API, and the data client signs with the function's role.
const { resourceConfig, libraryOptions } = await getAmplifyDataClientConfig(env);
Amplify.configure(resourceConfig, libraryOptions);
const client = generateClient<Schema>();

type S3Event = {
  Records: { s3: { bucket: { name: string }; object: { key: string; size: number } } }[];
};

export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    const { errors } = await client.models.Photo.create({
      key,
      size: record.s3.object.size,
      label: `${env.ALBUM}/${env.PHOTO_LABEL}`,
    });
    if (errors) {
      throw new Error(JSON.stringify(errors));
    }
  }
};
