/*
 * glibc's malloc settings for the hub's process (docs/performance.md, "The hub's first peak, traced").
 *
 * glibc serves an allocation of 128 KiB or more by its own mmap, returned to the system when it is freed, but raises
 * that threshold (up to 32 MiB) to the size of each such block freed, and its trim threshold to twice that. A
 * 100,000-candidate ingest frees blocks of 4 to 22 MB from its first seconds; from then on every buffer up to that
 * size came from the heaps of the thread that asks, and what is freed there stayed in the process. Setting the
 * threshold fixes it (as MALLOC_MMAP_THRESHOLD_ would, but from inside the process, which the environment cannot be).
 * Elsewhere than glibc every call answers false (or -1) and changes nothing.
 */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static napi_value boolean(napi_env env, bool value) {
  napi_value r;
  napi_get_boolean(env, value, &r);
  return r;
}

/* mmapThreshold(bytes): mallopt(M_MMAP_THRESHOLD, bytes), which also stops glibc moving it; true when taken. */
static napi_value MmapThreshold(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t bytes = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int64(env, argv[0], &bytes) != napi_ok) return boolean(env, false);
#ifdef __GLIBC__
  if (bytes < 0 || bytes > 32 * 1024 * 1024) return boolean(env, false);
  return boolean(env, mallopt(M_MMAP_THRESHOLD, (int)bytes) == 1);
#else
  return boolean(env, false);
#endif
}

/* mmapped(): the bytes malloc holds in blocks of their own mmap (mallinfo2's hblkhd), or -1. */
static napi_value Mmapped(napi_env env, napi_callback_info info) {
  (void)info;
  double bytes = -1;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  bytes = (double)mallinfo2().hblkhd;
#endif
  napi_value r;
  napi_create_double(env, bytes, &r);
  return r;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"mmapThreshold", NULL, MmapThreshold, NULL, NULL, NULL, napi_default, NULL},
    {"mmapped", NULL, Mmapped, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
