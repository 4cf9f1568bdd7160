/** Public face of the PBX simulator (docs/pbx-sim.md). */
export { startPbxSim, type PbxSim, type PbxSimOptions, type SimControl, type SimTraffic } from './server';
export { simCertificate, type SimCert } from './cert';
export * from './protocol';
