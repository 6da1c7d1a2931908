/** The application version, shown in /stats and the OpenAPI document; releases stamp APP_VERSION. */
export const API_VERSION = "0.1.0";
