import type { Strings } from "./en";

const strings: Strings = {
  newChat: "新聊天", history: "历史记录", closeHistory: "返回聊天",
  greeting: "今天有什么可以帮你？", placeholder: "给 AI 发消息",
  send: "发送消息", stop: "停止回复", attach: "添加文件",
  removeAttachment: "移除 {name}", tools: "工具", clearTool: "取消选择 {name}", model: "模型",
  mention: "提及", dictate: "语音输入", stopDictation: "停止语音输入", transcribing: "正在转写…",
  copy: "复制", copied: "已复制", copyCode: "复制代码", goodResponse: "回答很好",
  badResponse: "回答不好", feedbackThanks: "感谢你的反馈", retry: "重试",
  errorGeneric: "出了点问题，请重试。", errorNetwork: "连接已中断。",
  errorUpload: "无法上传 {name}。", fileTooLarge: "{name} 太大。",
  fileNotAccepted: "不支持 {name} 的文件类型。", tooManyFiles: "最多可以附加 {n} 个文件。",
  sources: "来源", thinking: "正在思考…", thoughtFor: "思考了 {n} 秒", untitled: "新对话",
  rename: "重命名", delete: "删除", confirmDelete: "删除此对话？", cancel: "取消",
  save: "保存", noThreads: "还没有对话", loadMore: "加载更多", loading: "加载中…",
  threadClosed: "此对话已结束。", threadLocked: "此对话已锁定。",
  showMore: "显示更多", showLess: "收起", skip: "跳过", submit: "提交",
  select: "请选择…", search: "搜索", clear: "清除",
  invalidFormat: "请与所请求的格式保持一致。",
  otherAnswer: "其他…", generatingImage: "正在生成图像…", responding: "助手正在回复", reconnecting: "正在重新连接…",
  responseDone: "回复完成", dropFiles: "拖放文件以附加", quoted: "回复",
  clearQuote: "移除引用", noResults: "没有结果", actionsMenu: "更多操作",
  conversation: "对话", messageFromYou: "你说",
};

export default strings;
