import QtQuick
import "../components"

Item {
    objectName: "screen_rating"
    Column {
        anchors.centerIn: parent
        width: parent.width * 0.85
        spacing: units.mm(10)
        Heading {
            horizontalAlignment: Text.AlignHCenter
            text: i18n.t.rating_title
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: units.mm(10)
            Repeater {
                model: [
                    { score: 3, face: "😊", label: i18n.t.rating_good },
                    { score: 2, face: "😐", label: i18n.t.rating_ok },
                    { score: 1, face: "☹", label: i18n.t.rating_bad }
                ]
                KButton {
                    required property var modelData
                    objectName: "rate_" + modelData.score
                    width: units.mm(70)
                    minHeight: units.mm(45)
                    kind: "secondary"
                    text: modelData.face + "\n" + modelData.label
                    onClicked: flow.rate(modelData.score)
                }
            }
        }
        KButton {
            objectName: "skipRatingButton"
            anchors.horizontalCenter: parent.horizontalCenter
            kind: "secondary"
            text: i18n.t.rating_skip
            onClicked: flow.rate(0)
        }
    }
}
