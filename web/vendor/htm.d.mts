// Types of vendor/htm.mjs: the package's own (web/node_modules, after npm ci).
import htm from 'htm';
export default htm;
