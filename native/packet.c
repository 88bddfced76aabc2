/*
 * lbctl_packet: one AF_PACKET SOCK_RAW socket per handle, bound to an interface and ethertype,
 * driven by libuv poll. No parsing here: whole Ethernet frames go to JS with their pkttype and
 * kernel receive timestamp; all protocol work lives in the TypeScript core.
 *
 * Timestamps are CLOCK_REALTIME nanoseconds (BigInt). Receive: SO_TIMESTAMPING software RX
 * stamp (falls back to SO_TIMESTAMPNS). Send: the kernel's TX_SCHED stamp (taken in
 * dev_queue_xmit, synchronously inside sendto, so it is read back from the error queue before
 * send() returns), falling back to clock_gettime just before sendto.
 *
 * Every wake-up's frames (read with recvmmsg) reach JS in one callback as one packed Buffer (see
 * read_batch), not one callback and one Buffer per frame. open()'s optional flags:
 * OPEN_NO_TX_STAMP skips the TX stamping (two error-queue reads per send; only arping's RTTs need
 * it). rcvbuf > 0 enlarges the receive queue (SO_RCVBUFFORCE, else SO_RCVBUF).
 */
#define _GNU_SOURCE /* recvmmsg */
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/net_tstamp.h>
#include <linux/errqueue.h>

#define BATCH 64 /* frames per wake-up; the level-triggered poll wakes again for the rest */
#define SLOT 9232 /* one jumbo frame (9000 + headers) per recvmmsg slot */
#define REC_HDR 16 /* batch record: u32 len, u32 pkttype, u64 ts (little-endian), then the frame */
#define OPEN_NO_TX_STAMP 1

typedef struct {
  napi_env env;
  int fd;
  int ifindex;
  uv_poll_t poll;
  napi_ref callback;
  napi_async_context async_ctx;
  int closed;         /* close() ran: no more callbacks */
  int handle_closed;  /* uv_close finished */
  int finalized;      /* the JS external is gone */
  int ts_mode;        /* 1 = SO_TIMESTAMPING, 2 = SO_TIMESTAMPNS, 0 = none */
  int tx_stamp;       /* read the kernel TX stamp on send */
  unsigned char *buf; /* BATCH slots of SLOT bytes */
} sock_t;

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";         case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";       case ENXIO: return "ENXIO";
    case ENETDOWN: return "ENETDOWN";   case EINVAL: return "EINVAL";
    case EMSGSIZE: return "EMSGSIZE";   case EBADF: return "EBADF";
    case ENOBUFS: return "ENOBUFS";     case EAGAIN: return "EAGAIN";
    case EINTR: return "EINTR";         case ENOMEM: return "ENOMEM";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ENETUNREACH: return "ENETUNREACH";
    default: return "EUNKNOWN";
  }
}

/* Throws Error(message) with .code = errno name, .errno, .syscall. */
static napi_value throw_errno(napi_env env, int e, const char *syscall) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(e));
  napi_value code, text, err, num, sc;
  napi_create_string_utf8(env, errno_name(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &err);
  napi_create_int32(env, e, &num);
  napi_set_named_property(env, err, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sc);
  napi_set_named_property(env, err, "syscall", sc);
  napi_throw(env, err);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG", msg);
  return NULL;
}

static uint64_t ts_ns(const struct timespec *t) { return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec; }

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return ts_ns(&t);
}

/* Software timestamp from the control messages of recvmsg, 0 when absent. */
static uint64_t cmsg_ts(struct msghdr *m) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SO_TIMESTAMPING) {
      struct timespec ts[3];
      memcpy(ts, CMSG_DATA(c), sizeof ts);
      if (ts[0].tv_sec || ts[0].tv_nsec) return ts_ns(&ts[0]);
    } else if (c->cmsg_type == SO_TIMESTAMPNS) {
      struct timespec t;
      memcpy(&t, CMSG_DATA(c), sizeof t);
      return ts_ns(&t);
    }
  }
  return 0;
}

/* Reads every queued TX timestamp; returns the last one (0 if none). */
static uint64_t drain_errqueue(sock_t *s) {
  uint64_t last = 0;
  for (int i = 0; i < 16; i++) {
    char ctrl[512], data[64];
    struct iovec iov = { data, sizeof data };
    struct msghdr m = { 0 };
    m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = ctrl; m.msg_controllen = sizeof ctrl;
    if (recvmsg(s->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
    uint64_t t = cmsg_ts(&m);
    if (t) last = t;
  }
  return last;
}

static void put_le(unsigned char *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* One recvmmsg for up to BATCH frames, one Buffer of records (REC_HDR + frame,
 * padded to 8 bytes) and one callback (buffer, count). Returns the number of frames read. */
static int read_batch(sock_t *s) {
  struct mmsghdr mm[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_ll from[BATCH];
  char ctrl[BATCH][128];
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = s->buf + (size_t)i * SLOT; iov[i].iov_len = SLOT;
    mm[i].msg_hdr.msg_name = &from[i]; mm[i].msg_hdr.msg_namelen = sizeof from[i];
    mm[i].msg_hdr.msg_iov = &iov[i]; mm[i].msg_hdr.msg_iovlen = 1;
    mm[i].msg_hdr.msg_control = ctrl[i]; mm[i].msg_hdr.msg_controllen = sizeof ctrl[i];
  }
  int n = recvmmsg(s->fd, mm, BATCH, MSG_DONTWAIT, NULL);
  if (n <= 0) return 0; /* EAGAIN: drained; other errors: retried on the next wake-up */
  size_t total = 0;
  int count = 0;
  for (int i = 0; i < n; i++) {
    if (from[i].sll_pkttype == PACKET_OUTGOING) continue;
    total += (REC_HDR + mm[i].msg_len + 7) & ~(size_t)7;
    count++;
  }
  if (count == 0) return n;
  uint64_t fallback = 0;
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, argv[2], result;
  void *out;
  napi_get_reference_value(env, s->callback, &cb);
  napi_get_global(env, &global);
  napi_create_buffer(env, total, &out, &argv[0]);
  unsigned char *p = out;
  for (int i = 0; i < n; i++) {
    if (from[i].sll_pkttype == PACKET_OUTGOING) continue;
    size_t len = mm[i].msg_len;
    uint64_t ts = cmsg_ts(&mm[i].msg_hdr);
    if (!ts) ts = fallback ? fallback : (fallback = now_ns());
    put_le(p, len, 4);
    put_le(p + 4, from[i].sll_pkttype, 4);
    put_le(p + 8, ts, 8);
    memcpy(p + REC_HDR, s->buf + (size_t)i * SLOT, len);
    size_t rec = (REC_HDR + len + 7) & ~(size_t)7;
    memset(p + REC_HDR + len, 0, rec - REC_HDR - len);
    p += rec;
  }
  napi_create_uint32(env, (uint32_t)count, &argv[1]);
  if (napi_make_callback(env, s->async_ctx, global, cb, 2, argv, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
  return n;
}

static void on_readable(uv_poll_t *h, int status, int events) {
  sock_t *s = (sock_t *)h->data;
  if (status < 0) {
    /* POLLERR: an unread error-queue entry, or a pending socket error (ENETDOWN when the link
     * goes down). Clear both, or the level-triggered poll would spin; keep polling, since the
     * link may come back and send() reports errors to the caller anyway. */
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    drain_errqueue(s);
    if (!s->closed) uv_poll_start(&s->poll, UV_READABLE, on_readable);
    return;
  }
  /* A few batches per wake-up; the level-triggered poll comes back for the rest. */
  for (int r = 0; r < 4 && !s->closed; r++)
    if (read_batch(s) < BATCH) break;
}

static void maybe_free(sock_t *s) {
  if (s->handle_closed && s->finalized) { free(s->buf); free(s); }
}

static void *close_fd_thread(void *arg) {
  close((int)(intptr_t)arg);
  return NULL;
}

/* Releasing an AF_PACKET socket waits for an RCU grace period in the kernel (packet_release ->
 * synchronize_net, 7-15 ms here). Nothing needs to wait for it, so a detached thread pays it
 * while the caller goes on (and a short-lived `lbctl arping` exits meanwhile). */
static void close_in_background(int fd) {
  pthread_t t;
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) == 0) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    int rc = pthread_create(&t, &attr, close_fd_thread, (void *)(intptr_t)fd);
    pthread_attr_destroy(&attr);
    if (rc == 0) return;
  }
  close(fd);
}

static void on_handle_closed(uv_handle_t *h) {
  sock_t *s = (sock_t *)h->data;
  close_in_background(s->fd);
  s->fd = -1;
  s->handle_closed = 1;
  maybe_free(s);
}

/* Stops polling and releases the JS references; the fd closes once libuv lets go of the handle. */
static void sock_close(sock_t *s) {
  if (s->closed) return;
  s->closed = 1;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
  napi_delete_reference(s->env, s->callback);
  napi_async_destroy(s->env, s->async_ctx);
}

static void cleanup_hook(void *arg) { sock_close((sock_t *)arg); }

static void finalize(napi_env env, void *data, void *hint) {
  sock_t *s = (sock_t *)data;
  if (!s->closed) {
    napi_remove_env_cleanup_hook(env, cleanup_hook, s);
    sock_close(s);
  }
  s->finalized = 1;
  maybe_free(s);
}

static sock_t *get_sock(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) { throw_type(env, "expected a packet socket handle"); return NULL; }
  sock_t *s = (sock_t *)p;
  if (s->closed) { throw_errno(env, EBADF, "packet socket is closed"); return NULL; }
  return s;
}

/* Arguments of the entry points that take a handle first: reads `n` arguments into argv, throws a
 * TypeError showing `usage` if fewer were passed, and returns the open socket of argv[0] (NULL
 * with an exception pending otherwise). */
static sock_t *sock_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv, const char *usage) {
  size_t argc = n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < n) { throw_type(env, usage); return NULL; }
  return get_sock(env, argv[0]);
}

static int get_bytes(napi_env env, napi_value v, void **data, size_t *len) {
  bool is_buf = false;
  napi_is_buffer(env, v, &is_buf);
  if (!is_buf || napi_get_buffer_info(env, v, data, len) != napi_ok) { throw_type(env, "expected a Buffer"); return 0; }
  return 1;
}

/* open(ifindex, ethertype, onFrame, flags = 0, rcvbuf = 0) -> handle. onFrame(records, count)
 * per wake-up: count records of u32 len, u32 pkttype, u64 ts ns (LE), frame, padding to 8. */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t ifindex = 0, proto = 0;
  napi_valuetype t;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &ifindex) != napi_ok || napi_get_value_int32(env, argv[1], &proto) != napi_ok ||
      napi_typeof(env, argv[2], &t) != napi_ok || t != napi_function || ifindex <= 0 || proto < 0 || proto > 0xffff)
    return throw_type(env, "open(ifindex > 0, ethertype 0..65535, onFrame)");
  int32_t flags_arg = 0, rcvbuf = 0;
  if (argc >= 4 && napi_get_value_int32(env, argv[3], &flags_arg) != napi_ok) return throw_type(env, "open(): flags must be a number");
  if (argc >= 5 && napi_get_value_int32(env, argv[4], &rcvbuf) != napi_ok) return throw_type(env, "open(): rcvbuf must be a number");
  /* Protocol 0 at socket() registers no packet hook, so bind() below need not unregister one
   * (which waits for an RCU grace period: milliseconds, more on a busy host). */
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket(AF_PACKET)");
  struct sockaddr_ll sll = { 0 };
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons((uint16_t)proto);
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) { int e = errno; close(fd); return throw_errno(env, e, "bind(AF_PACKET)"); }
  int ts_mode = 1;
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); /* capped by rmem_max: best effort */
  int tx_stamp = !(flags_arg & OPEN_NO_TX_STAMP);
  int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | (tx_stamp ? SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_OPT_TSONLY : 0);
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) < 0) {
    int on = 1;
    ts_mode = setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0 ? 0 : 2;
  }
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) { close(fd); return throw_errno(env, EINVAL, "napi_get_uv_event_loop"); }
  sock_t *s = calloc(1, sizeof *s);
  unsigned char *buf = malloc((size_t)BATCH * SLOT);
  if (!s || !buf) { free(s); free(buf); close(fd); return throw_errno(env, ENOMEM, "malloc"); }
  s->env = env; s->fd = fd; s->ifindex = ifindex; s->ts_mode = ts_mode; s->buf = buf;
  s->tx_stamp = tx_stamp;
  int rc = uv_poll_init_socket(loop, &s->poll, fd);
  if (rc < 0) { free(buf); free(s); close(fd); return throw_errno(env, -rc, "uv_poll_init"); }
  s->poll.data = s;
  napi_value resource, name, handle;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "lbctl.PacketSocket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &s->async_ctx);
  napi_create_reference(env, argv[2], 1, &s->callback);
  napi_add_env_cleanup_hook(env, cleanup_hook, s);
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  napi_create_external(env, s, finalize, NULL, &handle);
  return handle;
}

/* send(handle, frame) -> { ns: bigint, kernel: boolean }: when the frame left (see header). */
static napi_value js_send(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  sock_t *s = sock_args(env, info, 2, argv, "send(handle, frame)");
  if (!s) return NULL;
  void *data; size_t len;
  if (!get_bytes(env, argv[1], &data, &len)) return NULL;
  if (len < 14) return throw_type(env, "frame shorter than an Ethernet header");
  const unsigned char *f = data;
  struct sockaddr_ll to = { 0 };
  to.sll_family = AF_PACKET;
  to.sll_ifindex = s->ifindex;
  to.sll_protocol = htons((uint16_t)((f[12] << 8) | f[13]));
  to.sll_halen = 6;
  memcpy(to.sll_addr, f, 6);
  int stamp = s->ts_mode == 1 && s->tx_stamp;
  if (stamp) drain_errqueue(s); /* stale stamps must not be taken for this frame's */
  uint64_t before = now_ns();
  if (sendto(s->fd, data, len, 0, (struct sockaddr *)&to, sizeof to) < 0) return throw_errno(env, errno, "sendto");
  uint64_t kernel = stamp ? drain_errqueue(s) : 0;
  napi_value out, ns, k;
  napi_create_object(env, &out);
  napi_create_bigint_uint64(env, kernel ? kernel : before, &ns);
  napi_get_boolean(env, kernel != 0, &k);
  napi_set_named_property(env, out, "ns", ns);
  napi_set_named_property(env, out, "kernel", k);
  return out;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *p = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &p) != napi_ok || !p) return throw_type(env, "close(handle)");
  sock_t *s = (sock_t *)p;
  if (!s->closed) {
    napi_remove_env_cleanup_hook(env, cleanup_hook, s);
    sock_close(s);
  }
  return NULL;
}

static napi_value js_ref(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  sock_t *s = sock_args(env, info, 2, argv, "setRef(handle, boolean)");
  if (!s) return NULL;
  bool on = true;
  napi_get_value_bool(env, argv[1], &on);
  if (on) uv_ref((uv_handle_t *)&s->poll); else uv_unref((uv_handle_t *)&s->poll);
  return NULL;
}

/* attachFilter(handle, program): classic BPF, 8 bytes per instruction in host byte order. */
static napi_value js_attach_filter(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  sock_t *s = sock_args(env, info, 2, argv, "attachFilter(handle, program)");
  if (!s) return NULL;
  void *data; size_t len;
  if (!get_bytes(env, argv[1], &data, &len)) return NULL;
  if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > BPF_MAXINSNS)
    return throw_type(env, "filter program must be 1..4096 instructions of 8 bytes");
  struct sock_filter *copy = malloc(len);
  if (!copy) return throw_errno(env, ENOMEM, "malloc");
  memcpy(copy, data, len);
  struct sock_fprog prog = { (unsigned short)(len / sizeof(struct sock_filter)), copy };
  int rc = setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
  int e = errno;
  free(copy);
  if (rc < 0) return throw_errno(env, e, "setsockopt(SO_ATTACH_FILTER)");
  return NULL;
}

/* realtimeNs(): the clock the timestamps use, for deadlines and the no-kernel-stamp fallback. */
static napi_value js_realtime(napi_env env, napi_callback_info info) {
  napi_value v;
  napi_create_bigint_uint64(env, now_ns(), &v);
  return v;
}

/* timestampMode(handle): "timestamping" | "timestampns" | "none". */
static napi_value js_ts_mode(napi_env env, napi_callback_info info) {
  napi_value argv[1], v;
  sock_t *s = sock_args(env, info, 1, argv, "timestampMode(handle)");
  if (!s) return NULL;
  const char *m = s->ts_mode == 1 ? "timestamping" : s->ts_mode == 2 ? "timestampns" : "none";
  napi_create_string_utf8(env, m, NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL },
    { "send", NULL, js_send, NULL, NULL, NULL, napi_enumerable, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL },
    { "setRef", NULL, js_ref, NULL, NULL, NULL, napi_enumerable, NULL },
    { "attachFilter", NULL, js_attach_filter, NULL, NULL, NULL, napi_enumerable, NULL },
    { "realtimeNs", NULL, js_realtime, NULL, NULL, NULL, napi_enumerable, NULL },
    { "timestampMode", NULL, js_ts_mode, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
