export { ActivityService, type ActivityServiceOptions } from './service';
export type * from './ports';
