/**
 * Shapes of the AITRIOS Console REST API v1 as crowdheat uses it (SPEC §6). Only the fields
 * crowdheat reads are typed; the Console sends more, and they pass through untouched.
 */

/** What it takes to talk to one Console. Keys keep the names of `console_access_settings.yaml`. */
export interface ConsoleCredentials {
  console_endpoint: string;
  portal_authorization_endpoint: string;
  client_id: string;
  client_secret: string;
}

/** One entry of `GET /devices`. */
export interface ConsoleDevice {
  device_id: string;
  place?: string;
  comment?: string;
  property?: { device_name?: string; [key: string]: unknown };
  connectionState?: string;
  [key: string]: unknown;
}

/** One group of `GET /devices/images/directories`. */
export interface ImageDirectoryGroup {
  group_id: string;
  devices: { device_id: string; device_name?: string; Image: string[] }[];
}

/** One inference of a record: `T` is its timestamp, `O` its output (base64 FlatBuffers, or JSON when `F` is 1). */
export interface ConsoleInference {
  T: string;
  O: unknown;
  F?: number;
  [key: string]: unknown;
}

/** The device's own payload inside a record (`raw=1`). */
export interface ConsoleInferenceResult {
  DeviceID?: string;
  ModelID?: string;
  Image?: boolean;
  Inferences: ConsoleInference[];
  [key: string]: unknown;
}

/** One record of `GET /devices/{id}/inferenceresults`. */
export interface ConsoleInferenceRecord {
  id?: string;
  device_id?: string;
  model_id?: string;
  inference_result: ConsoleInferenceResult;
  [key: string]: unknown;
}

export interface ConsoleImage {
  /** `<T>.jpg` for images a device uploaded. */
  name: string;
  /** The JPEG, base64. */
  contents: string;
}

export interface ConsoleImagePage {
  total_image_count: number;
  images: ConsoleImage[];
}

export type ImageOrder = 'ASC' | 'DESC';

/** Body of every Console error answer. */
export interface ConsoleErrorBody {
  result: 'ERROR';
  code: string;
  message: string;
  time?: string;
}
