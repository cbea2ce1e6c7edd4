/** The STUN codec: RFC 8489/5389 messages plus the RFC 3489, 5780 and 8656 attributes a NAT probe uses. */
export * from './constants';
export * from './result';
export * from './message';
export * from './address';
export * from './changeRequest';
export * from './responsePort';
export * from './errorCode';
export * from './unknownAttributes';
export * from './text';
export * from './padding';
export * from './fingerprint';
export * from './integrity';
export * from './saslprep';
export * from './lifetime';
export * from '../net/ip';
export * from './bindingAnswer';
