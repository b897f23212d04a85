// Types of vendor/preact.mjs: the package's own (web/node_modules, after npm ci).
export * from 'preact';
