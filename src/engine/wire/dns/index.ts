/** DNS wire codec (RFC 1035 and friends): the public surface used by servers, resolvers and dig. */
export * from './types.ts';
export { parseDnsMessage, emitDnsMessage, DNS_MAX_UDP_NO_EDNS, DNS_HEADER_LEN, encodeFlags, decodeFlags, fullRcode, dnsFlags } from './message.ts';
export type { EmitOptions } from './message.ts';
export { formatRData, formatRecord, formatQuestion, formatCharString, typeName, typeFromName, className, classFromName, rcodeName, opcodeName, fqdn, formatDnssecTime } from './format.ts';
export { describeDns, describeDnsTcp } from './describe.ts';
export { frameTcpDns, DnsTcpReassembler } from './tcp.ts';
export { EDNS_OPTION, ednsOptionName, cookieOption, parseCookie, ecsOption, parseEcs, formatEdnsOption } from './edns.ts';
export type { ClientSubnet } from './edns.ts';
export { nameToLabels, labelsToName, normalizeName, namesEqual, nameKey, escapeLabel } from './names.ts';
export { rdataTag, rdataType, encodeTypeBitmap, decodeTypeBitmap } from './rdata.ts';
export { SVC_KEY, svcKeyName, svcKeyFromName, formatSvcParam, parseSvcParamText } from './svcb.ts';
export { parseRDataText, parseTtl, parseDnssecTime, resolveName } from './rdata-text.ts';
export type { TextToken } from './rdata-text.ts';
export { EXTRA_TYPE, formatExtra, parseExtra } from './rdata-extra.ts';
