import type { Messages } from './messages';

/**
 * The staff-only screens in Japanese (staff login, staff menu, refunds owed, the jam steps): store staff's
 * words, kept apart from the customer's catalogue (ja.ts), which spreads them in.
 */
export const jaStaff: Pick<Messages, 'staffLogin' | 'staffMenu' | 'staffOwedRefunds' | 'jam'> = {
  staffLogin: {
    title: 'スタッフログイン',
    lead: 'スタッフコード（数字6〜8けた）を入れてください。',
    submit: 'ログイン',
  },
  staffMenu: {
    title: 'スタッフメニュー',
    printer: 'プリンター',
    printerStates: {
      idle: '正常',
      printing: '印刷中',
      paperOut: '用紙切れ',
      jam: '紙づまり',
      coverOpen: 'カバーが開いている',
      offline: '接続なし',
    },
    paperLow: '用紙が残りわずか',
    jobPaused: 'お客様の印刷が止まっています',
    kiosk: '受付',
    inService: '稼働中',
    outOfService: '休止中',
    lastAction: {
      resume: '印刷を再開しました。',
      cancelJob: '印刷を中止しました。印刷できなかった分はお客様に返金されます。',
      refillPaper: '用紙の補充を記録しました。',
      testPage: 'テスト印刷を送りました。',
      outOfService: '休止中にしました。',
      inService: '受付を再開しました。',
    },
    actions: {
      resume: '印刷を再開',
      cancelJob: '印刷を中止（返金）',
      refillPaper: '用紙を補充した',
      testPage: 'テスト印刷',
      outOfService: '休止中にする',
      inService: '受付を再開する',
      exit: '終了',
    },
    owedRefunds: (count) => `返金待ち（${count}件）`,
    resumeHint: '先にプリンターの異常を取り除いてから再開してください。',
    faultHints: {
      paperOut: 'トレイ1に用紙を補充して、「用紙を補充した」を押してください。',
      coverOpen: 'プリンターのカバーとトレイを、すべて閉めてください。',
      offline: 'プリンターの電源とケーブルを確かめてください。直らないときは保守窓口へ連絡してください。',
    },
  },
  staffOwedRefunds: {
    title: '返金待ち',
    lead: '再起動の前に印刷できなかった分の料金です。お客様がカウンターに来られたら、レジからお支払いして「レジから支払った」を押してください。',
    none: '返金待ちはありません。',
    amount: '金額',
    owedAt: '発生日時（日本時間）',
    yen: (yen) => `${yen.toLocaleString('ja-JP')}円`,
    paid: 'レジから支払った',
    confirm: (amount) => `${amount}をレジからお支払いしましたか？`,
    confirmYes: 'はい、支払った',
    confirmNo: 'やめる',
    settled: (amount) => `${amount}の支払いを記録しました。`,
    back: 'スタッフメニューへ',
  },
  jam: {
    title: '紙づまりの取り除き方',
    drawing: (where) => `プリンターの図：紙がつまっている場所は ${where}`,
    places: { tray1: 'トレイ1', feed: '搬送部', fuser: '定着部', output: '排紙口' },
    steps: {
      tray1: [
        'トレイ1を手前にゆっくり引き出す。',
        'つまった紙を、破らないようにまっすぐ取り出す。',
        '用紙の束をそろえて入れ直し、トレイを奥まで戻す。',
      ],
      feed: [
        '右側のカバーを開ける。',
        '搬送ローラーの間の紙を、ゆっくり引き抜く。',
        '右側のカバーを「カチッ」と閉める。',
      ],
      fuser: [
        '前カバーを開ける。定着部は高温です。約10分待ってから触る。',
        '緑のレバーを下げ、紙を排紙方向へゆっくり引き抜く。',
        'レバーを戻し、前カバーを閉める。',
      ],
      output: [
        '排紙口から出かかった紙を、まっすぐ引き抜く。',
        '上カバーを開けて、中に紙が残っていないか見て閉める。',
      ],
      unknown: [
        '排紙口 → 定着部（高温注意）→ 搬送部 → トレイ1 の順に、つまった紙を探して取り除く。',
        '開けたカバーとトレイを、すべて元に戻す。',
      ],
    },
    after: [
      '破れた紙片が残っていないか確かめる。',
      '取り出した紙は、お客様の証明書かもしれません。読まずに店舗の手順で破棄する。',
      '「印刷を再開」を押す。',
    ],
  },
};
