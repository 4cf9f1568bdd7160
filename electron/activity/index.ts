export { ActivityService, type ActivityServiceOptions, type ActivityModelSink } from './service';
export type * from './ports';
