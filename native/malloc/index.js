'use strict';
// The addon, or null where it was not built (no compiler at install) or cannot load: callers go on without it.
let addon = null;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon loads only by require
  addon = require('./build/Release/lentera_malloc.node');
} catch {
  addon = null;
}
module.exports = addon;
