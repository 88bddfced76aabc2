// Public surface of the LB-IPAM core: decode objects, run the allocator, write statuses.
export { RangeAllocator, type AllocResult } from "./allocator.ts";
export { decodePool, isPoolObject, type PoolSpec, type Block } from "./pool.ts";
export {
  decodeService, isServiceObject, ignoreReason, requestedFamilies, serviceKey, DEFAULT_SETTINGS, CILIUM_LB_CLASSES,
  type LbIpamSettings, type ServiceSpec,
} from "./service.ts";
export { runLbIpam, type LbIpamResult, type ServiceInput } from "./lbipam.ts";
export { writePoolStatus, writeServiceStatus, effectiveCondition, poolCounts, type PoolCounts } from "./status.ts";
export { formatPath, type FieldError, type Raw } from "./decode.ts";
export { isGroup, rangeEnabled, type Group, type PoolState, type RangeState, type SvcState } from "./state.ts";
export { reconcileAdded } from "./incremental.ts";
export {
  reconcile, listOrder, poolInScope, POOL_INVALID, confirmWrite, type PassMemory,
  type ReconcilePlan, type ServiceWrite, type PoolWrite, type ServiceEvent, type ControllerScope, type PoolUsage, type InvalidPool as RejectedPool,
} from "./reconcile.ts";
