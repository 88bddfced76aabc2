/*
 * lbctl_bpf: the few read-only bpf() commands lbctl needs to read pinned maps (issue 11,
 * spec cilium-bpf-maps.md §8.1). No map-specific code: raw key/value bytes go to JS and all
 * decoding lives in src/core/bpf/.
 *
 *   objGet(path)            BPF_OBJ_GET with BPF_F_RDONLY, always: lbctl never opens a map writable.
 *   mapInfo(fd)             BPF_OBJ_GET_INFO_BY_FD → {type, id, keySize, valueSize, maxEntries, flags, name}
 *   dump(fd, ks, vs, max, mode)  every entry: BPF_MAP_LOOKUP_BATCH, falling back to GET_NEXT_KEY +
 *                           LOOKUP_ELEM (vanished keys skipped); mode 1 forces the fallback. Returns {keys, values, count, batch}:
 *                           two flat Buffers of count*ks and count*vs bytes. Duplicates are possible
 *                           in the fallback (a hash map restarts when the current key is deleted):
 *                           the caller deduplicates.
 *   close(fd)
 */
#include <node_api.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";     case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";   case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";     case ENOSPC: return "ENOSPC";
    case ENOMEM: return "ENOMEM";   case ENOTDIR: return "ENOTDIR";
    case ENOSYS: return "ENOSYS";   case E2BIG: return "E2BIG";
    case EFAULT: return "EFAULT";   case ENOTSUP: return "ENOTSUP";
    default: return "EUNKNOWN";
  }
}

static napi_value throw_errno(napi_env env, int e, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_value m, c, err, n;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_string_utf8(env, errno_name(e), NAPI_AUTO_LENGTH, &c);
  napi_create_error(env, c, m, &err);
  napi_create_int32(env, e, &n);
  napi_set_named_property(env, err, "errno", n);
  napi_throw(env, err);
  return NULL;
}

static long sys_bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof *attr); }

static int arg_u32(napi_env env, napi_callback_info info, size_t want, uint32_t *out) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) { napi_throw_type_error(env, "ERR_INVALID_ARG", "missing argument"); return -1; }
  for (size_t i = 0; i < want; i++) {
    if (napi_get_value_uint32(env, argv[i], &out[i]) != napi_ok) { napi_throw_type_error(env, "ERR_INVALID_ARG", "expected a number"); return -1; }
  }
  return 0;
}

/* The fd a bpf() command returned, or the errno thrown as a JS error. */
static napi_value fd_or_throw(napi_env env, long fd, const char *what) {
  if (fd < 0) return throw_errno(env, errno, what);
  napi_value r;
  napi_create_int32(env, (int32_t)fd, &r);
  return r;
}

static napi_value obj_get(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[4096];
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || len >= sizeof path - 1) {
    napi_throw_type_error(env, "ERR_INVALID_ARG", "objGet(path): path must be a string");
    return NULL;
  }
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.pathname = (uint64_t)(uintptr_t)path;
  attr.file_flags = BPF_F_RDONLY;
  return fd_or_throw(env, sys_bpf(BPF_OBJ_GET, &attr), "BPF_OBJ_GET");
}

static void set_u32(napi_env env, napi_value o, const char *k, uint32_t v) {
  napi_value n;
  napi_create_uint32(env, v, &n);
  napi_set_named_property(env, o, k, n);
}

static napi_value map_info(napi_env env, napi_callback_info info) {
  uint32_t a[1];
  if (arg_u32(env, info, 1, a) < 0) return NULL;
  struct bpf_map_info mi;
  memset(&mi, 0, sizeof mi);
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.info.bpf_fd = a[0];
  attr.info.info_len = sizeof mi;
  attr.info.info = (uint64_t)(uintptr_t)&mi;
  if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0) return throw_errno(env, errno, "BPF_OBJ_GET_INFO_BY_FD");
  napi_value o, name;
  napi_create_object(env, &o);
  set_u32(env, o, "type", mi.type);
  set_u32(env, o, "id", mi.id);
  set_u32(env, o, "keySize", mi.key_size);
  set_u32(env, o, "valueSize", mi.value_size);
  set_u32(env, o, "maxEntries", mi.max_entries);
  set_u32(env, o, "flags", mi.map_flags);
  mi.name[sizeof mi.name - 1] = 0;
  napi_create_string_utf8(env, mi.name, NAPI_AUTO_LENGTH, &name);
  napi_set_named_property(env, o, "name", name);
  return o;
}

static void free_cb(napi_env env, void *data, void *hint) { free(data); }

/* Grows (keys, values) so that they can hold `need` entries. */
static int reserve(unsigned char **keys, unsigned char **vals, size_t *cap, size_t need, uint32_t ks, uint32_t vs) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  unsigned char *k = realloc(*keys, n * ks), *v;
  if (!k) return -1;
  *keys = k;
  v = realloc(*vals, n * vs);
  if (!v) return -1;
  *vals = v;
  *cap = n;
  return 0;
}

static napi_value dump(napi_env env, napi_callback_info info) {
  uint32_t a[5];
  if (arg_u32(env, info, 5, a) < 0) return NULL;
  uint32_t fd = a[0], ks = a[1], vs = a[2], max = a[3];
  if (ks == 0 || vs == 0 || ks > 4096 || vs > (1u << 20)) { napi_throw_range_error(env, "ERR_INVALID_ARG", "dump: bad key/value size"); return NULL; }
  size_t cap = 0, count = 0;
  unsigned char *keys = NULL, *vals = NULL;
  int batch = a[4] == 0; /* mode 1: key by key (tests the fallback) */

  /* Batch: the token is opaque (a u32 bucket for hash maps, a key otherwise). */
  size_t tok = ks > 8 ? ks : 8;
  unsigned char *in_tok = calloc(1, tok), *out_tok = calloc(1, tok);
  uint32_t chunk = max < 256 ? 256 : (max > 8192 ? 8192 : max);
  int first = 1;
  if (!in_tok || !out_tok) { free(in_tok); free(out_tok); return throw_errno(env, ENOMEM, "malloc"); }
  while (batch) {
    if (reserve(&keys, &vals, &cap, count + chunk, ks, vs) < 0) { free(in_tok); free(out_tok); free(keys); free(vals); return throw_errno(env, ENOMEM, "malloc"); }
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.batch.in_batch = first ? 0 : (uint64_t)(uintptr_t)in_tok;
    attr.batch.out_batch = (uint64_t)(uintptr_t)out_tok;
    attr.batch.keys = (uint64_t)(uintptr_t)(keys + count * ks);
    attr.batch.values = (uint64_t)(uintptr_t)(vals + count * vs);
    attr.batch.count = chunk;
    attr.batch.map_fd = fd;
    long rc = sys_bpf(BPF_MAP_LOOKUP_BATCH, &attr);
    int e = rc < 0 ? errno : 0;
    if (rc < 0 && e == ENOSPC && attr.batch.count == 0) { chunk *= 2; continue; } /* one bucket larger than the chunk */
    if (rc < 0 && e != ENOENT) {
      if (first && (e == EINVAL || e == ENOTSUP || e == ENOSYS || e == 524 /* ENOTSUPP */)) { batch = 0; break; }
      free(in_tok); free(out_tok); free(keys); free(vals);
      return throw_errno(env, e, "BPF_MAP_LOOKUP_BATCH");
    }
    count += attr.batch.count; /* the last chunk comes with ENOENT and possibly count > 0 */
    if (rc < 0) break;
    memcpy(in_tok, out_tok, tok);
    first = 0;
  }
  free(in_tok);
  free(out_tok);

  if (!batch) {
    /* Key by key. Bounded: a writer deleting keys makes a hash map restart from its first key. */
    count = 0;
    unsigned char *cur = malloc(ks), *next = malloc(ks);
    if (!cur || !next) { free(cur); free(next); free(keys); free(vals); return throw_errno(env, ENOMEM, "malloc"); }
    size_t steps = 0, limit = (size_t)max * 4 + 1024;
    int have = 0;
    while (steps++ < limit) {
      union bpf_attr attr;
      memset(&attr, 0, sizeof attr);
      attr.map_fd = fd;
      attr.key = have ? (uint64_t)(uintptr_t)cur : 0;
      attr.next_key = (uint64_t)(uintptr_t)next;
      if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr) < 0) {
        int e = errno;
        if (e == ENOENT) break;
        free(cur); free(next); free(keys); free(vals);
        return throw_errno(env, e, "BPF_MAP_GET_NEXT_KEY");
      }
      memcpy(cur, next, ks);
      have = 1;
      if (reserve(&keys, &vals, &cap, count + 1, ks, vs) < 0) { free(cur); free(next); free(keys); free(vals); return throw_errno(env, ENOMEM, "malloc"); }
      memset(&attr, 0, sizeof attr);
      attr.map_fd = fd;
      attr.key = (uint64_t)(uintptr_t)cur;
      attr.value = (uint64_t)(uintptr_t)(vals + count * vs);
      if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr) < 0) {
        int e = errno;
        if (e == ENOENT) continue; /* vanished between next-key and lookup */
        free(cur); free(next); free(keys); free(vals);
        return throw_errno(env, e, "BPF_MAP_LOOKUP_ELEM");
      }
      memcpy(keys + count * ks, cur, ks);
      count++;
    }
    free(cur);
    free(next);
  }

  napi_value o, kb, vb, n, b;
  napi_create_object(env, &o);
  if (count == 0) {
    free(keys); free(vals);
    napi_create_buffer(env, 0, NULL, &kb);
    napi_create_buffer(env, 0, NULL, &vb);
  } else {
    napi_create_external_buffer(env, count * ks, keys, free_cb, NULL, &kb);
    napi_create_external_buffer(env, count * vs, vals, free_cb, NULL, &vb);
  }
  napi_set_named_property(env, o, "keys", kb);
  napi_set_named_property(env, o, "values", vb);
  napi_create_uint32(env, (uint32_t)count, &n);
  napi_set_named_property(env, o, "count", n);
  napi_get_boolean(env, batch, &b);
  napi_set_named_property(env, o, "batch", b);
  return o;
}

/* A map by its ID, read-only: Maglev inner maps are not pinned, the outer map's values are their
 * IDs (a lookup from userspace returns the ID, not an fd). Needs CAP_SYS_ADMIN. */
static napi_value map_fd_by_id(napi_env env, napi_callback_info info) {
  uint32_t a[1];
  if (arg_u32(env, info, 1, a) < 0) return NULL;
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.map_id = a[0];
  attr.open_flags = BPF_F_RDONLY;
  return fd_or_throw(env, sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr), "BPF_MAP_GET_FD_BY_ID");
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  uint32_t a[1];
  if (arg_u32(env, info, 1, a) < 0) return NULL;
  close((int)a[0]);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"objGet", NULL, obj_get, NULL, NULL, NULL, napi_default, NULL},
    {"mapFdById", NULL, map_fd_by_id, NULL, NULL, NULL, napi_default, NULL},
    {"mapInfo", NULL, map_info, NULL, NULL, NULL, napi_default, NULL},
    {"dump", NULL, dump, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
