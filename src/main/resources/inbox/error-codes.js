// What a WhatsApp Cloud API error code means for the person reading it, in plain words. Meta's
// own title (and details) are shown next to it; a code not listed here shows Meta's title alone.

const EXPLANATIONS = {
  131049: 'Meta chose not to deliver this marketing template to keep engagement healthy: the user got many marketing messages lately. Try later or another kind of message.',
  131050: 'The user stopped marketing messages from this business.',
  131026: 'Undeliverable: the number is not on WhatsApp, the user has not accepted the latest terms, or their app is too old.',
  131047: 'More than 24 hours since the user last wrote: outside that window only an approved template can be sent (re-engagement).',
  130472: "The user's number is part of a Meta experiment on marketing messages and did not get this one.",
  131021: 'Sender and recipient are the same number.',
  131031: 'The business account is locked or restricted.',
  131042: 'A payment problem on the business account (billing).',
  131045: 'The phone number is not registered for the Cloud API.',
  131048: 'Spam rate limit: too many messages from this number were blocked or reported.',
  131051: 'This message type is not supported.',
  131052: 'The media the user sent could not be downloaded.',
  131053: 'The media could not be uploaded: unsupported type or too large.',
  131056: 'Too many messages to the same user in a short time (pair rate limit).',
  131057: 'The business account is in maintenance mode.',
  131060: 'The user wrote from a companion device that coexistence does not support.',
  130429: 'Throughput limit reached: too many messages per second from this number.',
  131000: 'Something went wrong at Meta; sending again may work.',
  131005: 'Access denied: the app lacks the permission to send for this number.',
  131008: 'A required parameter is missing.',
  131009: 'A parameter value is not valid.',
  131016: 'The WhatsApp service is temporarily unavailable.',
  132000: "The template's parameters do not match what the template expects.",
  132001: 'The template does not exist in this language, or is not approved.',
  132005: 'The template text is too long once its parameters are filled in.',
  132007: "The template's content breaks WhatsApp's policies.",
  132012: "The template's parameters have the wrong format.",
  132015: 'The template is paused because of low quality.',
  132016: 'The template is disabled because of low quality.',
  133010: 'The phone number is not registered on WhatsApp Business.',
  368: 'The business account was blocked for breaking WhatsApp policies.',
  2593109: 'The business turned history sharing off.',
};

/** The plain explanation of an error code, or null when it is not one listed here. */
export function explain(code) {
  return EXPLANATIONS[Number(code)] ?? null;
}

/** The explanation when known, else Meta's title, else the code. */
export function explainOrTitle(error) {
  return explain(error?.code) ?? error?.title ?? (error?.code !== null && error?.code !== undefined ? `Error ${error.code}` : 'Unknown error');
}
