/** Place names in Jiaozhou style and people's names for the demo dataset. */
export const SUBDISTRICTS: { name: string; communities: string[] }[] = [
  { name: '阜安街道', communities: ['方井社区', '郑州路社区', '兰州东路社区'] },
  { name: '中云街道', communities: ['宋城美域社区', '云溪社区', '福州路社区'] },
  { name: '三里河街道', communities: ['三里河社区', '北关社区', '太平社区'] },
  { name: '胶东街道', communities: ['大店社区', '小窑社区', '前店口社区'] },
  { name: '胶北街道', communities: ['店子社区', '河西社区'] },
  { name: '九龙街道', communities: ['九龙社区', '少海社区'] },
];

export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
export const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫斌宇浩凯健俊帆欣怡晨阳佳雪琳慧建国志海峰春燕文丹宁波辉荣'.split('');

export const WORK_UNITS = [
  '胶州市民政局',
  '胶州市住建局',
  '胶州市教体局',
  '胶州市卫健委',
  '胶州市财政局',
  '胶州市城管局',
  '胶州市供电公司',
  '胶州市自然资源局',
  '胶州市人社局',
  '胶州市公安局',
  '胶州市市场监管局',
  '胶州市水务局',
  '胶州市交通运输局',
  '胶州市文旅局',
  '胶州市税务局',
  '胶州市法院',
  '胶州市检察院',
  '胶州市总工会',
];

export const VENUES = ['社区文化广场', '小区中心广场', '党群服务中心门前广场', '社区健身广场', '邻里中心广场'];

export const DEPARTMENTS = ['社区居委会', '街道城管办', '物业公司', '供电公司', '街道综治中心', '住建局', '社区卫生服务中心', '街道民政办'];

export interface CategoryText {
  topics: string[];
  issues: { title: string; description: string }[];
}

export const TEXT: Record<string, CategoryText> = {
  OLD_COMMUNITY_RENOVATION: {
    topics: ['老旧小区改造怎么改', '老楼加装电梯议一议', '外墙保温和屋面防水改造'],
    issues: [
      { title: '老宿舍楼下水管道老化', description: '原一中宿舍楼下水管道老化，雨季经常返水，居民希望尽快更换。' },
      { title: '单元楼道墙皮脱落', description: '3号楼二单元楼道墙皮大面积脱落，存在安全隐患。' },
      { title: '屋面漏雨', description: '顶层住户反映屋面防水层老化，下雨天室内漏水。' },
    ],
  },
  ENVIRONMENT_SANITATION: {
    topics: ['垃圾分类怎么做好', '背街小巷环境整治'],
    issues: [
      { title: '垃圾清运不及时', description: '小区东门垃圾桶经常满溢，夏天气味很大，希望增加清运次数。' },
      { title: '绿化带杂草丛生', description: '小区绿化带长期无人修剪，蚊虫多。' },
    ],
  },
  PROPERTY_MANAGEMENT: {
    topics: ['物业服务质量大家评', '物业费收支公开'],
    issues: [
      { title: '物业服务不到位', description: '楼道卫生无人打扫，门禁长期损坏，物业反应慢。' },
      { title: '物业费使用不透明', description: '居民希望物业公开公共收益和维修资金使用情况。' },
    ],
  },
  PUBLIC_FACILITIES: {
    topics: ['社区活动空间不足怎么办', '为老服务设施补短板'],
    issues: [
      { title: '缺少居民活动场所', description: '社区没有室内活动室，老年人下棋、跳舞没有地方。' },
      { title: '小区缺少健身器材', description: '希望在空地增设一批健身器材和休息座椅。' },
      { title: '路灯损坏', description: '小区西侧道路路灯坏了两个月，晚上出行不便。' },
    ],
  },
  TRAFFIC_PARKING: {
    topics: ['电动车充电难题', '小区停车秩序'],
    issues: [
      { title: '电动车充电难', description: '小区没有集中充电设施，居民飞线充电有火灾隐患。' },
      { title: '停车位紧张', description: '晚上车辆乱停乱放，消防通道被占用。' },
    ],
  },
  SAFETY: {
    topics: ['消防安全隐患排查'],
    issues: [
      { title: '消防通道堵塞', description: '楼道内堆放杂物，消防通道不畅。' },
      { title: '高空抛物隐患', description: '高层住户反映有高空抛物现象，希望加装监控。' },
    ],
  },
  ELDERLY_AND_CHILD_CARE: {
    topics: ['一老一小服务怎么办好'],
    issues: [
      { title: '老年人助餐需求', description: '独居老人吃饭不方便，希望社区开办老年食堂。' },
      { title: '孩子放学后无人照看', description: '双职工家庭希望社区提供课后托管服务。' },
    ],
  },
  FAMILY_CONFLICT: {
    topics: ['家和万事兴——家庭矛盾早调解'],
    issues: [
      { title: '赡养老人分歧', description: '兄弟姐妹对父母赡养费用分担意见不一，需要调解。' },
      { title: '夫妻矛盾调解', description: '夫妻因家务和子女教育问题经常争吵，请求社区调解。' },
    ],
  },
  NEIGHBOUR_DISPUTE: {
    topics: ['远亲不如近邻——邻里纠纷怎么解'],
    issues: [
      { title: '楼上漏水纠纷', description: '楼上卫生间漏水到楼下，双方对维修费用有争议。' },
      { title: '噪音扰民', description: '邻居夜间装修和跳绳噪音大，影响休息。' },
      { title: '公共空间占用', description: '邻居在楼道堆放物品、占用公共车位，引发矛盾。' },
    ],
  },
  OTHER: {
    topics: ['社区文化活动怎么办'],
    issues: [{ title: '希望多办文化活动', description: '居民希望社区定期组织文艺演出和电影放映。' }],
  },
};

export const TEAM_KINDS: { kind: string; names: string[] }[] = [
  { kind: 'YOUTH_VANGUARD', names: ['青年先锋队', '青年突击队'] },
  { kind: 'ELDERLY_CARE', names: ['助老服务队', '银龄互助队'] },
  { kind: 'MEDICAL', names: ['医疗志愿服务队', '健康义诊队'] },
  { kind: 'EDUCATION', names: ['四点半课堂志愿队', '家教志愿队'] },
  { kind: 'ENVIRONMENT', names: ['环保志愿队', '绿色家园队'] },
  { kind: 'LEGAL_AID', names: ['法律援助服务队'] },
  { kind: 'CULTURE', names: ['文艺志愿队', '广场舞宣传队'] },
];

export const ACTIVITY_TITLES: Record<string, string[]> = {
  YOUTH_VANGUARD: ['楼道清理行动', '文明交通劝导', '防汛巡查'],
  ELDERLY_CARE: ['为独居老人送餐', '老年人理发服务', '上门探访空巢老人'],
  MEDICAL: ['社区义诊', '健康讲座', '免费测血压血糖'],
  EDUCATION: ['四点半课堂', '暑期托管班', '亲子阅读会'],
  ENVIRONMENT: ['垃圾分类宣传', '小区绿化补种', '河道清洁'],
  LEGAL_AID: ['法律咨询进社区', '反诈宣传'],
  CULTURE: ['广场文艺演出', '书法进社区', '电影放映'],
};
