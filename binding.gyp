{
  "targets": [
    {
      "target_name": "lbctl_packet",
      "sources": ["native/packet.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    },
    {
      "target_name": "lbctl_bpf",
      "sources": ["native/bpf.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    }
  ]
}
