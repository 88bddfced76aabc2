// Test PKI generated at test time with the openssl CLI: a CA, a server certificate for
// 127.0.0.1/localhost, a client certificate (CN=admin, O=system:masters) and an unrelated CA that
// tests use to provoke TLS verification failures. Generated once per process and cached.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
  readonly caPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** A CA that did not sign the server certificate. */
  readonly otherCaPem: string;
}

let cached: TestPki | undefined;

function ssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string): void {
  ssl(dir, ["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`]);
}

function makeLeaf(dir: string, name: string, subj: string, ext: string): void {
  ssl(dir, ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subj]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  ssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`]);
}

export function testPki(): TestPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "lbctl-pki-"));
  try {
    makeCa(dir, "ca");
    makeCa(dir, "other-ca");
    makeLeaf(dir, "server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    makeLeaf(dir, "client", "/O=system:masters/CN=admin", "extendedKeyUsage=clientAuth\n");
    const r = (f: string): string => readFileSync(join(dir, f), "utf8");
    cached = {
      caPem: r("ca.crt"),
      serverCertPem: r("server.crt"),
      serverKeyPem: r("server.key"),
      clientCertPem: r("client.crt"),
      clientKeyPem: r("client.key"),
      otherCaPem: r("other-ca.crt"),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
