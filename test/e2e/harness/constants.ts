// What the host harness tells the panel it is: one Pipedrive user of one company, and the secret its
// signed tokens use (the JWT secret a developer would set for the extension in Developer Hub).
export const HARNESS_JWT_SECRET = 'e2e-harness-jwt-secret-not-used-anywhere-else';
export const HARNESS_COMPANY_ID = 4242;
export const HARNESS_USER_ID = 77;
/** Pipedrive documents 5 minutes for GET_SIGNED_TOKEN tokens. */
export const HARNESS_TOKEN_SECONDS = 300;
