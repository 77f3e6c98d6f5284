import type { Strings } from "./en";

const strings: Strings = {
  newChat: "新しいチャット", history: "履歴", closeHistory: "チャットに戻る",
  greeting: "今日はどのようなご用件ですか？", placeholder: "AI にメッセージを送信",
  send: "メッセージを送信", stop: "応答を停止", attach: "ファイルを追加",
  removeAttachment: "{name} を削除", tools: "ツール", clearTool: "{name} の選択を解除", model: "モデル",
  mention: "メンション", dictate: "音声入力", stopDictation: "音声入力を停止", transcribing: "文字起こし中…",
  copy: "コピー", copied: "コピーしました", copyCode: "コードをコピー", goodResponse: "良い回答",
  badResponse: "悪い回答", feedbackThanks: "フィードバックありがとうございます", retry: "再試行",
  errorGeneric: "問題が発生しました。もう一度お試しください。", errorNetwork: "接続が中断されました。",
  errorUpload: "{name} をアップロードできませんでした。", fileTooLarge: "{name} は大きすぎます。",
  fileNotAccepted: "{name} は対応していないファイル形式です。", tooManyFiles: "添付できるファイルは最大 {n} 件です。",
  sources: "出典", thinking: "考え中…", thoughtFor: "{n} 秒間思考", untitled: "新しい会話",
  rename: "名前を変更", delete: "削除", confirmDelete: "この会話を削除しますか？", cancel: "キャンセル",
  save: "保存", noThreads: "まだ会話はありません", loadMore: "さらに読み込む", loading: "読み込み中…",
  threadClosed: "この会話は終了しました。", threadLocked: "この会話はロックされています。",
  showMore: "もっと見る", showLess: "表示を減らす", skip: "スキップ", submit: "送信",
  select: "選択…", search: "検索", clear: "クリア",
  invalidFormat: "指定されている形式で入力してください。",
  otherAnswer: "その他…", generatingImage: "画像を生成中…", responding: "アシスタントが応答中です", reconnecting: "再接続しています…",
  responseDone: "応答が完了しました", dropFiles: "ファイルをドロップして添付", quoted: "返信先",
  clearQuote: "引用を削除", noResults: "結果がありません", actionsMenu: "その他の操作",
  conversation: "会話", messageFromYou: "あなたのメッセージ",
};

export default strings;
