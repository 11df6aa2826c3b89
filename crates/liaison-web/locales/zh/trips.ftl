# 因公临时出国（境）及其审批。

problem-before-arrive = 早于抵达日期
problem-mainland = 目的地不能在中国内地
problem-no-approver = 此环节无人可审批
problem-no-previous-step = 没有上一环节
problem-no-step = 没有适用的审批环节
problem-not-editable = 当前状态下不可修改
problem-not-increasing = 不能逐级减少
problem-not-internal = 不是本校人员
problem-one-leader = 须有且只有一名团长
problem-out-of-order = 顺序有误
problem-outside-trip = 不在出访日期内
problem-same-person = 不能是同一人
problem-too-few-approvers = 审批人不足
problem-too-many = 数量过多
problem-not-a-member = 不是该团组成员
problem-not-briefed = 尚有团员未参加行前教育
problem-notice-time = 公示期未满
problem-negative = 不能为负数
problem-administrative-days = 在外天数超限
problem-administrative-countries = 出访国家数超限
problem-administrative-members = 团组人数超限
problem-hong-kong-days = 赴港天数超限
problem-macao-days = 赴澳天数超限
problem-hong-kong-macao-days = 赴港澳天数超限
problem-lead-time = 距出发时间过近

trip-type-teaching = 讲学
trip-type-research = 合作研究
trip-type-conference = 参加国际会议
trip-type-talks = 公务会谈
trip-type-friendly_visit = 友好访问
trip-type-assigned_task = 执行上级交办任务
