"""Small proto files compiled against the contract's options, for tests of what reads them."""

from __future__ import annotations

from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent

# A member message and its list, for the unions of the cases below.
HEADER = """
syntax = "proto3";
package test.v1;
import "google/protobuf/struct.proto";
import "rbridge/responses/v1/options.proto";
option go_package = "example.com/test/v1;testv1";
message A {
  optional string type = 1;
  map<string, google.protobuf.Value> extra_fields = 1001
      [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];
}
message B {
  map<string, google.protobuf.Value> extra_fields = 1001
      [(rbridge.responses.v1.json_behavior) = JSON_BEHAVIOR_EXTRA_FIELDS];
}
message AList {
  repeated A items = 1;
}
"""


def compile_messages(
    source: str, tmp_path: Path, package: str = "test.v1"
) -> descriptor_pool.DescriptorPool:
    """A fresh descriptor pool holding `source` (after HEADER), compiled against proto/."""
    (tmp_path / "case.proto").write_text(HEADER.replace("test.v1", package) + source)
    well_known = Path(protoc.__file__).parent / "_proto"
    out = tmp_path / "case.pb"
    args = [
        "grpc_tools.protoc",
        f"-I{tmp_path}",
        f"-I{ROOT / 'proto'}",
        f"-I{well_known}",
        f"--descriptor_set_out={out}",
        "--include_imports",
        str(tmp_path / "case.proto"),
    ]
    assert protoc.main(args) == 0, "the case does not compile"
    pool = descriptor_pool.DescriptorPool()
    for file in descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file:
        pool.Add(file)
        if file.package == package and package != "test.v1":
            # The codec builds google.protobuf.Value fields with the default pool's class.
            descriptor_pool.Default().Add(file)
    return pool
