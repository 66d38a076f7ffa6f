import QtQuick

// The kiosk's own keyboard for names: big keys (>= 15 mm, labels that grow with the text size),
// upper-case labels, every Vietnamese letter shape on its own key and the five tone marks shown
// as they look ("Á À Ả Ã Ạ"). Letters go to form.key, tones to form.tone.
Column {
    id: kb
    spacing: units.mm(3)
    readonly property real gap: units.mm(3)
    readonly property real keyW: (width - 9 * gap) / 10
    readonly property var rows: [
        ["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
        ["A", "S", "D", "F", "G", "H", "J", "K", "L"],
        ["Z", "X", "C", "V", "B", "N", "M"],
        ["Ă", "Â", "Đ", "Ê", "Ô", "Ơ", "Ư"]
    ]
    readonly property var keyNames: ({ "Ă": "AW", "Â": "AA", "Đ": "DD", "Ê": "EE", "Ô": "OO",
                                       "Ơ": "OW", "Ư": "UW" })
    Repeater {
        model: kb.rows
        Row {
            required property var modelData
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: kb.gap
            Repeater {
                model: parent.modelData
                KButton {
                    required property string modelData
                    objectName: "vk_" + (kb.keyNames[modelData] || modelData)
                    width: kb.keyW
                    implicitWidth: kb.keyW
                    minHeight: units.mm(17)
                    kind: "secondary"
                    text: modelData
                    onClicked: form.key(modelData)
                }
            }
        }
    }
    Row {  // tone marks, each shown on an A
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: kb.gap
        Repeater {
            model: [
                { tone: "sac", mark: "Á", name: i18n.t.tone_sac },
                { tone: "huyen", mark: "À", name: i18n.t.tone_huyen },
                { tone: "hoi", mark: "Ả", name: i18n.t.tone_hoi },
                { tone: "nga", mark: "Ã", name: i18n.t.tone_nga },
                { tone: "nang", mark: "Ạ", name: i18n.t.tone_nang }
            ]
            KButton {
                required property var modelData
                objectName: "vk_tone_" + modelData.tone
                width: (kb.width - 4 * kb.gap) / 5
                implicitWidth: width
                minHeight: units.mm(17)
                text: modelData.mark
                sub: modelData.name
                onClicked: form.tone(modelData.tone)
            }
        }
    }
    Row {
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: kb.gap
        KButton {
            objectName: "vk_space"
            width: kb.keyW * 6 + kb.gap * 5
            implicitWidth: width
            minHeight: units.mm(17)
            kind: "secondary"
            text: i18n.t.keyboard_space
            onClicked: form.key(" ")
        }
        KButton {
            objectName: "vk_erase"
            width: kb.keyW * 4 + kb.gap * 3
            implicitWidth: width
            minHeight: units.mm(17)
            kind: "secondary"
            text: i18n.t.keypad_erase
            onClicked: form.erase_letter()
        }
    }
}
