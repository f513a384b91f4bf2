/**
 * Imported before @aws-sdk/client-s3 (ESM runs imports in order, so this body runs
 * first): the SDK warns on stderr about Node < 22 when a client is built, which
 * would tear the console's screen. An operator's explicit setting wins.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
