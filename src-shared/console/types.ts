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
