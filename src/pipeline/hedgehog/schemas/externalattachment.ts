/** ExternalAttachment (vpc.githedgehog.com/v1beta1): an External on an `external` Connection (§2.6). */
import { arrayOf, boolean, resource, string, struct, uint8, uint16, uint32, VPC_API } from "./common.js";

const tcpFilters = struct({
  established: boolean,
  fin: boolean,
  notFin: boolean,
  syn: boolean,
  notSyn: boolean,
  rst: boolean,
  notRst: boolean,
  psh: boolean,
  notPsh: boolean,
  ack: boolean,
  notAck: boolean,
  urg: boolean,
  notUrg: boolean,
});

const aclStatement = struct(
  {
    seq: uint32,
    action: string,
    protocol: string,
    srcPrefix: string,
    dstPrefix: string,
    tcpFilters,
    icmpType: uint8,
    icmpCode: uint8,
    portRangeBegin: uint16,
    portRangeEnd: uint16,
  },
  ["seq", "action", "protocol", "srcPrefix", "dstPrefix"],
);

const spec = struct(
  {
    external: string,
    connection: string,
    // The CRD requires switch and neighbor only because the Go tags lack omitempty; static
    // attachments leave them out (§3.3), so both are optional here.
    switch: struct({ vlan: uint16, ip: string }),
    neighbor: struct({ asn: uint32, ip: string }),
    static: struct({ remoteIP: string, vlan: uint16, ip: string, proxy: boolean }, ["remoteIP"]),
    inboundACL: struct({ statements: arrayOf(aclStatement) }),
  },
  ["external", "connection"],
);

export const externalAttachmentSchema = resource(VPC_API, "ExternalAttachment", spec, { specRequired: true });
