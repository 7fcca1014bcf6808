// `deploy aws --destroy --delete-bucket`: the stack keeps its bucket (RETAIN: workspaces and transcripts
// outlive a destroy), so deleting it means removing every version and delete marker first, then the bucket.
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  NoSuchBucket,
  S3Client,
} from "@aws-sdk/client-s3";
import { type AwsIdentity, clientOptions } from "./aws-access.ts";

/** Deletes the bucket and everything in it; returns how many object versions went. A missing bucket is not an error. */
export async function deleteBucket(
  identity: AwsIdentity,
  env: NodeJS.ProcessEnv,
  bucket: string,
): Promise<number> {
  const client = new S3Client(clientOptions(identity, env, "s3"));
  let deleted = 0;
  try {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key!,
        ...(v.VersionId && { VersionId: v.VersionId }),
      }));
      if (objects.length > 0) {
        const result = await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          throw new Error(
            `Could not delete ${failed.length} object(s) of the bucket ${bucket} (${failed[0]!.Code}: ${failed[0]!.Message}). Run --destroy --delete-bucket again, or empty it in the S3 console.`,
          );
        }
        deleted += objects.length;
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    return deleted;
  } catch (error) {
    if (error instanceof NoSuchBucket || (error as Error).name === "NoSuchBucket") return deleted;
    throw error;
  } finally {
    client.destroy();
  }
}
